-- pgfence-test: path=db/migrate/0004.sql not-a-file=link
/home/runner/.ssh/id_rsa
`x` <b>bold</b> "quoted" \back[31mÂ›ÿ
