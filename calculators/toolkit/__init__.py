"""Merchant tools: photo check, deadlines, court fees, platform review, documents."""
