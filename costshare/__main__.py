import sys

from costshare.cli import main

sys.exit(main())
