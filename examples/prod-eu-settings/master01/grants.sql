-- SHOW GRANTS output, collected with olclint collect database
CREATE USER 'olconnect'@'127.0.0.1' IDENTIFIED WITH caching_sha2_password BY 'redacted-before-commit';
GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'olconnect'@'127.0.0.1';
CREATE USER 'olconnect'@'192.168.10.%' IDENTIFIED WITH caching_sha2_password BY 'redacted-before-commit';
GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'olconnect'@'192.168.10.%';
CREATE USER 'olconnect'@'192.168.11.22' IDENTIFIED WITH caching_sha2_password BY 'redacted-before-commit';
GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'olconnect'@'192.168.11.22';
