"""Local accounts and roles: who may sign in and which pages each role opens."""
