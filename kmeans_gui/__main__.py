import sys

from kmeans_gui.cli import main

sys.exit(main())
