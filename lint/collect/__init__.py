"""Collecting a cluster's files from its servers, and a first cluster.yaml from them.

- `database`: `olclint collect database`, a live MySQL/MariaDB server's accounts
  (`grants.sql`, passwords and hashes replaced by a placeholder) and running values
  (`server.json`);
- `server`: `olclint collect server`, a Connect server's preference store and the
  database's option file with what it includes, from a folder;
- `init`: `olclint init`, a `cluster.yaml` from the collected node folders;
- `files`: the one place that writes: atomically, never outside the repository root, and
  not at all when the bytes are unchanged.

It sits beside the CLI: it uses the readers and the domain, and nothing below it uses it.
"""
