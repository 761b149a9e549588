-- The old spelling of REVOKE writers FROM app: the application read orders through writers.
ALTER GROUP writers DROP USER app;
ALTER GROUP readers DROP USER app, worker;
