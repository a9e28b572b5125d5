"""Framework-free text rules shared by extraction, deduplication, language tagging and spiders.

Folding keys, script ranges, sentence ends, date parsing, language-code tables,
byline words and ad labels were written several times across the project and
drifted apart; each now lives here once and every stage imports it.
"""
