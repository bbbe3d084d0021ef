"""What users do, between the pages and the rest: each use case takes a session and a principal, checks
access, calls the instrument, the analytics and the store, and commits once (through its caller).

Responding (`respond`, `intake`, `submission`) and review (`review`), imports (`answer_import`, `register`,
`organisations`), cycles and organisations administration (`cycles`, `administration`), targets
(`target_edits`), accounts and access (`access`, `sessions`, `sign_in`, `accounts`), exports and
background jobs (`exports`, `jobs`), follow-up, recomputation, the demo, the views the pages read
(`views/`), the one cache of computed results (`cache`) and the app's runtime (`runtime`).

May import: `survey`, `analytics`, `data`. Never `pages` or Streamlit.
"""
