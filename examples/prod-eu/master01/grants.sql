-- Accounts of the Connect database, as printed by SHOW GRANTS.
CREATE USER 'root'@'localhost' IDENTIFIED WITH caching_sha2_password BY 'admin';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost' WITH GRANT OPTION;
CREATE USER 'root'@'192.168.10.%' IDENTIFIED WITH caching_sha2_password BY 'admin';
GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'192.168.10.%';
