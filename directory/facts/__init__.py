"""Facts about hospitals — where a hospital is, what it is, who owns it — each a record with its value,
class (stated / inferred) and evidence (DESIGN.md "Facts carry their evidence, and answers decide").

One module per fact kind (place, district, point, grade, ownership, facility), one that reads and links
reference lists (reference, wikidata), and assemble.compute_facts, which the build calls.
"""
