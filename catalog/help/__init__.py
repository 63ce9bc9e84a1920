"""Help for users, in Swedish, inside the site (/hjalp/): Markdown files in pages/, rendered server-side."""
