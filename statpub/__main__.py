from statpub.cli.main import main

raise SystemExit(main())
