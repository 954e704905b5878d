import sys

from pika_mem.admin.cli import main

sys.exit(main())
