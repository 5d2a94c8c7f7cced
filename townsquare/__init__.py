"""townsquare"""
