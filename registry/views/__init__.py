"""Registry pages, one module per audience: the public directory, the account pages, the company's own pages."""
