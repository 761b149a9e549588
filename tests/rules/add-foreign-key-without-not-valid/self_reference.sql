-- hoppscotch's cascade_delete: a key that references its own table names its lock once.
SET lock_timeout = '2s';
ALTER TABLE "TeamCollection" ADD CONSTRAINT "TeamCollection_parentID_fkey" FOREIGN KEY ("parentID") REFERENCES "TeamCollection"(id) ON DELETE CASCADE;
