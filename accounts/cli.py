"""`python -m assistant users add|list|remove|ensure-admin`: local accounts from the command line."""

from __future__ import annotations

import argparse
import getpass
import sys

from accounts.users import ROLES, UserError, UserStore, random_password
from core.settings import Settings

ADMIN_NAME = "admin"


def add_user_commands(parser: argparse.ArgumentParser) -> None:
    """Add the account subcommands to the `users` parser."""
    commands = parser.add_subparsers(dest="user_command", required=True)
    add = commands.add_parser("add", help="create an account (a random password unless given)")
    add.add_argument("name", help="sign-in name, e.g. jsmith or an e-mail address")
    add.add_argument("--role", choices=ROLES, default="staff")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )
    commands.add_parser("list", help="show accounts and their roles")
    remove = commands.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    commands.add_parser(
        "ensure-admin", help=f"create '{ADMIN_NAME}' with a random password if no admin exists"
    )


def run_user_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the parsed `users` subcommand; return the process exit code."""
    store = UserStore.open(settings)
    try:
        if args.user_command == "add":
            return _add(store, args.name, args.role, args.password_stdin)
        if args.user_command == "list":
            return _list(store)
        if args.user_command == "remove":
            store.remove(args.name)
            print(f"removed {args.name}")
            return 0
        return _ensure_admin(store)
    except (UserError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()


def _password(from_stdin: bool) -> tuple[str, bool]:
    """The new password and whether it was made up here (so must be shown once)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if sys.stdin.isatty():
        typed = getpass.getpass("Password (leave empty for a random one): ")
        if typed:
            if getpass.getpass("Same password again: ") != typed:
                raise ValueError("the two passwords differ; nothing was changed")
            return typed, False
    return random_password(), True


def _add(store: UserStore, name: str, role: str, from_stdin: bool) -> int:
    password, generated = _password(from_stdin)
    user = store.add(name, role, password)
    print(f"created {user.name} ({user.role})")
    if generated:
        print(f"password (shown once, pass it on privately): {password}")
    return 0


def _list(store: UserStore) -> int:
    users = store.users()
    if not users:
        print("no accounts yet: `python -m assistant users add NAME --role ROLE`")
        return 0
    width = max(len(u.name) for u in users)
    for user in users:
        print(f"{user.name:<{width}}  {user.role:<10}  {user.created_at}")
    return 0


def _ensure_admin(store: UserStore) -> int:
    if store.has_admin():
        print("an admin account exists; nothing to do")
        return 0
    password = random_password()
    store.add(ADMIN_NAME, "admin", password)
    print(f"created account '{ADMIN_NAME}' (admin); sign in with this password, shown once:")
    print(f"  {password}")
    return 0
