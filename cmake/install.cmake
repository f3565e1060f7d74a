# placeholder: filled in with the C ABI target (see issue 2)
