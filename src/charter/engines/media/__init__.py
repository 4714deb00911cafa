"""Reading deliverable files (subtitles now; audio, images later) into the ``charter.quality``
models, with size limits and errors that name the file and place."""
