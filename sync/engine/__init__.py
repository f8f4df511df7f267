"""sync/engine"""
