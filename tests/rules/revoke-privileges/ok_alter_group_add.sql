-- Adding members takes nothing away.
ALTER GROUP writers ADD USER app;
