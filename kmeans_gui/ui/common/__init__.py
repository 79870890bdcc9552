"""What every tab shares: the task runner, palette, plot style, widget bindings, the status line and dialogs."""
