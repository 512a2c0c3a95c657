CREATE CONSTRAINT account_login IF NOT EXISTS
FOR (a:Account) REQUIRE a.login_key IS UNIQUE
