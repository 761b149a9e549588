-- pgfence-test: schema=search.schema
-- An existing configuration's mappings changed (red team F1: H_TSMAP, H_TSALTER).
ALTER TEXT SEARCH CONFIGURATION myts DROP MAPPING FOR asciiword, word;
ALTER TEXT SEARCH CONFIGURATION myts ALTER MAPPING FOR asciiword WITH simple;
ALTER TEXT SEARCH CONFIGURATION public.myts ADD MAPPING FOR hword WITH simple;
ALTER TEXT SEARCH CONFIGURATION myts ALTER MAPPING REPLACE english_stem WITH simple;
ALTER TEXT SEARCH DICTIONARY english_stem (StopWords = english);
