"""Real servers for the multi-node proof, started and stopped by tests and by `make test-cluster`:
a throwaway PostgreSQL cluster, an S3-compatible object store, app nodes and the caching proxy.
Each binds 127.0.0.1 on a free port and lives under a temporary folder removed when it stops."""
