from ungpho.cli import main

raise SystemExit(main())
