from statpub.cli import main

raise SystemExit(main())
