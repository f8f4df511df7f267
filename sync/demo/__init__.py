"""sync/demo"""
