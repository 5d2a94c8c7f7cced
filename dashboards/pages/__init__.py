"""dashboards/pages"""
