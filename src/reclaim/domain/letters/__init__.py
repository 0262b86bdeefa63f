"""Letters and notices as pure data: what each document says, composed from facts and a
versioned template. Rendering to PDF and storing documents live in ``services/letters*``."""
