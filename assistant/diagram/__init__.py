"""The 数据要素流向图: a small editable graph of who provides which data to which platform for whom.

``graph`` is the model (nodes, labelled edges, where raw data stays) and its table form for editing;
``extract`` builds it offline from the applicant's data-flow answers; ``model_extract`` asks a chat
model for the same graph as JSON; ``render`` draws it with Graphviz (SVG, PNG, JPG) in a CJK face.
"""
