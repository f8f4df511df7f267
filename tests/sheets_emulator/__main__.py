"""Run the emulator stand-alone:

python -m tests.sheets_emulator --port 8765 --credentials-out key.json --demo
"""

from __future__ import annotations

import argparse
import time

from .emulator import SheetsEmulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.sheets_emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--credentials-out", help="write a service-account key file whose token_uri is the emulator"
    )
    parser.add_argument("--client-email", default="sync@test-proj.iam.gserviceaccount.com")
    parser.add_argument(
        "--demo", action="store_true", help="create a demo spreadsheet shared with the client"
    )
    args = parser.parse_args(argv)
    emu = SheetsEmulator(port=args.port).start()
    print(f"Sheets emulator listening on {emu.url}", flush=True)
    if args.credentials_out:
        path = emu.write_service_account_key(args.credentials_out, client_email=args.client_email)
        print(f"service-account key for {args.client_email}: {path}", flush=True)
    if args.demo:
        sid = emu.create_spreadsheet(
            title="Demo",
            tabs={"Deals": [["Deal ID", "Stage"], ["D-1", "Won"]]},
            shared_with=[args.client_email],
        )
        print(f"spreadsheet id: {sid}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()


if __name__ == "__main__":
    main()
