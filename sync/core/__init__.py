"""sync/core"""
