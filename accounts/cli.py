"""`python -m assistant users add|list|remove|set-password|unlock|sign-ins|ensure-admin`."""

from __future__ import annotations

import argparse
import getpass
import sys

from accounts.users import ROLES, UnknownUser, UserError, UserStore, random_password
from core.cli import data_dir_option
from core.settings import Settings

ADMIN_NAME = "admin"
# Enough of the sign-in record to see an attack or a locked-out colleague at a glance.
SIGN_INS_SHOWN = 50


def add_user_commands(parser: argparse.ArgumentParser) -> None:
    """Add the account subcommands to the `users` parser."""
    commands = parser.add_subparsers(dest="user_command", required=True)
    add = commands.add_parser(
        "add", help="create an account (a random password unless given)", parents=[data_dir_option()]
    )
    add.add_argument("name", help="sign-in name, e.g. jsmith or an e-mail address")
    add.add_argument("--role", choices=ROLES, default="staff")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )
    commands.add_parser("list", help="show accounts and their roles", parents=[data_dir_option()])
    remove = commands.add_parser("remove", help="delete an account", parents=[data_dir_option()])
    remove.add_argument("name")
    change = commands.add_parser(
        "set-password", help="give an account a new password (a random one unless given)",
        parents=[data_dir_option()],
    )  # fmt: skip
    change.add_argument("name")
    change.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of stdin"
    )
    unlock = commands.add_parser(
        "unlock", help="lift a lock left by too many failed sign-ins", parents=[data_dir_option()]
    )
    unlock.add_argument("name")
    sign_ins = commands.add_parser(
        "sign-ins", help="the latest sign-in attempts, newest first", parents=[data_dir_option()]
    )
    sign_ins.add_argument("--limit", type=int, default=SIGN_INS_SHOWN)
    commands.add_parser(
        "ensure-admin", help=f"create '{ADMIN_NAME}' with a random password if no admin exists",
        parents=[data_dir_option()],
    )  # fmt: skip


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
        if args.user_command == "set-password":
            return _set_password(store, args.name, args.password_stdin)
        if args.user_command == "unlock":
            return _unlock(store, args.name)
        if args.user_command == "sign-ins":
            return _sign_ins(store, args.limit)
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


def _set_password(store: UserStore, name: str, from_stdin: bool) -> int:
    account = store.get(name)
    if account is None:
        raise UnknownUser(name)
    password, generated = _password(from_stdin)
    store.set_password(account.name, password)
    print(f"changed the password of {account.name}")
    if generated:
        print(f"password (shown once, pass it on privately): {password}")
    return 0


def _unlock(store: UserStore, name: str) -> int:
    ended = store.sign_ins.unlock(name)
    print(f"unlocked {name}" if ended else f"{name} was not locked; nothing to do")
    return 0


def _sign_ins(store: UserStore, limit: int) -> int:
    attempts = store.sign_ins.attempts(limit)
    if not attempts:
        print("no sign-in attempts recorded yet")
    for a in attempts:
        where = a.address or "-"
        print(f"{a.at:%Y-%m-%d %H:%M:%S}Z  {a.outcome:<6}  {a.method:<8}  {where:<15}  {a.name}")
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
