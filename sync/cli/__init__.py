"""sync/cli"""
