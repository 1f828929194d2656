"""The MkDocs adapter and its build machinery: the only package that touches MkDocs or
Material. ``plugin`` maps MkDocs' events to calls; the rest make a build or a serve
rebuild fast without changing a byte of what a plain build writes."""
