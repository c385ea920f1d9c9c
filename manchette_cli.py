"""The ``manchette`` command: the one place where indexer/ and web/ meet."""
from indexer.cli import cli
from indexer.search_command import search_command
from indexer.trends_command import trends_command
from web.cli import serve

cli.add_command(search_command)
cli.add_command(trends_command)
cli.add_command(serve)


def main():
    cli(prog_name="manchette")


if __name__ == "__main__":
    main()
