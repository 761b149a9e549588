2uCREATE TABLE "project" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "application" ADD COLUMN "projectId" text;--> statement-breakpoint
ALTER TABLE "application" ADD CONSTRAINT "application_projectId_fk" FOREIGN KEY ("projectId") REFERENCES "project"("id") ON DELETE cascade ON UPDATE no action;
