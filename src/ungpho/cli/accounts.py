"""``ungpho createuser``: an account from the command line. Help texts: Vietnamese / English."""

from __future__ import annotations

import argparse
import getpass
import sys

from django.core.exceptions import ValidationError

from ungpho.cli.common import add_command, require_database


def cmd_createuser(args) -> int:
    require_database()
    # The accounts app's models exist only once main() has set Django up.
    from ungpho.accounts.roles import Role
    from ungpho.accounts.services import user_upsert

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(
        "Mật khẩu / Password: ")
    try:
        user_upsert(username=args.username, password=password, role=Role(args.role),
                    email=args.email or "", province_code=args.province,
                    facility_codes=tuple(args.facility or ()), full_name=args.name or "")
    except ValidationError as error:
        sys.exit(f"ungpho createuser: {'; '.join(error.messages)}")
    print(f"Đã lưu tài khoản / saved account {args.username} ({args.role})")
    return 0


def add_accounts_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "createuser", cmd_createuser, "Tạo hoặc sửa tài khoản / create or "
                                                       "update an account")
    p.add_argument("username")
    p.add_argument("--role", required=True,
                   choices=["national_duty", "provincial_command", "facility_operator",
                            "administrator"], help="vai trò / role")
    p.add_argument("--province", help="mã tỉnh (chỉ huy tỉnh) / province code (provincial command)")
    p.add_argument("--facility", action="append",
                   help="mã cơ sở, lặp lại được / facility code, repeatable (facility operator)")
    p.add_argument("--email", help="thư điện tử nhận thông báo / e-mail for notifications")
    p.add_argument("--name", help="họ tên / full name")
    p.add_argument("--password-stdin", action="store_true",
                   help="đọc mật khẩu từ stdin / read the password from standard input")
