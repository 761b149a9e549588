-- A configuration and a dictionary made in the same file: nothing has used them yet.
CREATE TEXT SEARCH CONFIGURATION newts (COPY = english);
ALTER TEXT SEARCH CONFIGURATION newts DROP MAPPING FOR asciiword, word;
ALTER TEXT SEARCH CONFIGURATION newts ALTER MAPPING FOR asciiword WITH simple;
CREATE TEXT SEARCH DICTIONARY newdict (TEMPLATE = simple);
ALTER TEXT SEARCH DICTIONARY newdict (StopWords = english);
ALTER TEXT SEARCH CONFIGURATION myts OWNER TO postgres;
