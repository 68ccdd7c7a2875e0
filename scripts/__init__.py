"""Shell entry points (serve.sh, test.sh, bench.sh) and the project's one static server,
importable from the project root as ``scripts.static_server``."""
