import sys

from vtorm.cli import main

sys.exit(main())
