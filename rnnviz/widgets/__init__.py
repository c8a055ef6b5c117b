"""Widgets: thin views over rnnviz's data. Import each from its module, e.g.
``from rnnviz.widgets.gradient_flow import GradientFlow``."""
