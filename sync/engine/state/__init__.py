"""sync/engine/state"""
