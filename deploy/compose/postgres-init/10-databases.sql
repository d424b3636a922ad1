-- POSTGRES_DB creates the development database (parchee); the tests use their own.
CREATE DATABASE parchee_test;
