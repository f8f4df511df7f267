"""sync/jobs"""
