-- Meridian quickstart: create, write, read, update, delete on the embedded default.
CREATE TABLE IF NOT EXISTS players (
  id       BIGINT PRIMARY KEY,
  name     VARCHAR(40) NOT NULL,
  country  CHAR(2),
  score    INTEGER,
  rating   DECIMAL(6,2),
  joined   DATE,
  active   BOOLEAN
);
INSERT INTO players (id, name, country, score, rating, joined, active) VALUES
  (1, 'Ada',   'GB', 1200, 98.50, DATE '2024-03-01', TRUE),
  (2, 'Grace', 'US', 1350, 99.25, DATE '2023-11-15', TRUE),
  (3, 'Linus', 'FI',  900, 87.00, DATE '2025-01-20', FALSE);
SELECT * FROM players WHERE id IN (1, 2, 3);
UPDATE players SET score = 1400, active = TRUE WHERE id = 3;
UPSERT INTO players (id, name, country, score) VALUES (4, 'Barbara', 'US', 1100);
SELECT id, name, score, active FROM players WHERE id IN (3, 4);
DELETE FROM players WHERE id = 1;
SELECT id, name FROM players WHERE id IN (1, 2, 3, 4);
