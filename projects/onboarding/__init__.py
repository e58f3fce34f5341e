"""Bringing an organisation's portfolio into Highlight in bulk (issue 19): its people, its
projects and programmes, and their past RAG history, from the spreadsheets a PMO keeps,
with an export in the same layout. Each import is a projects.spreadsheets.Importer whose
target is the organisation, so the upload pages, the preview and the confirmation
(projects.uploads) are the registers' and plans' own."""
