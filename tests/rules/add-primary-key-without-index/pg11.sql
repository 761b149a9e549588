-- pgfence-test: pg-version=11
ALTER TABLE users ADD PRIMARY KEY (id);
