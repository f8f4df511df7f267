"""sync/service"""
