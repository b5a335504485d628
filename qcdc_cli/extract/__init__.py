"""Text to an `Extraction`, pure: numbers, dates, the header (own number, date, issuer,
title), the relation of every reference and the relations a text reports of others.
"""
