"""
Everything about the club's email, in layers (each imports only those above it):

- `tokens`: the signed links an email carries (confirm, unsubscribe, manage).
- `layout`: how every email looks: the HTML layout with inlined styles and its
  text twin (`render_email`), for every kind of email the club sends.
- `content`: what an email says, its subject and bodies, from templates.
- `mime`: how that content becomes a message: headers, calendar invite, bytes.
- `delivery`: sending an announcement over SMTP, with leases and retries.
"""
