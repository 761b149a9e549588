-- path: db/migrations/0090_chat_flow_webhook_secret.sql
CREATE TABLE chat_flow (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, deployed boolean NOT NULL DEFAULT false);
-- migration
ALTER TABLE chat_flow ADD COLUMN webhook_secret text;
ALTER TABLE chat_flow ADD COLUMN webhook_secret_configured boolean DEFAULT false;
UPDATE chat_flow SET webhook_secret_configured = true WHERE webhook_secret IS NOT NULL;
