"""Sandbox behaviours that mimic AWS, each test naming the AWS documentation it follows."""
